FROM scratch
SHELL ["/usr/bin/customshell"]
CMD mycommand
