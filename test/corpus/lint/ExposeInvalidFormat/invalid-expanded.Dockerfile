FROM scratch
ENV PORTS="8080:80 443"
EXPOSE $PORTS

# expect: 3
# expect-message: EXPOSE instruction should not define an IP address or host-port mapping, found '8080:80'
