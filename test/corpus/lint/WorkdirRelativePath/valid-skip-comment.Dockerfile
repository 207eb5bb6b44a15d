FROM scratch
# check=skip=WorkdirRelativePath
WORKDIR app/
