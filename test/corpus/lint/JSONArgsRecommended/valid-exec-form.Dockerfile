FROM scratch
CMD ["mycommand"]
ENTRYPOINT ["/bin/app"]
