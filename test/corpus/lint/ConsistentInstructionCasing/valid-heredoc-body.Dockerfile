FROM alpine
RUN <<'EOT'
env
EOT
