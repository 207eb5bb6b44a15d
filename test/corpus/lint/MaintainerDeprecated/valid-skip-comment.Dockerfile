FROM scratch
# check=skip=MaintainerDeprecated
MAINTAINER me@example.org
