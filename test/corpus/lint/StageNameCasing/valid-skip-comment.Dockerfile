FROM scratch
# check=skip=StageNameCasing
FROM scratch AS Bad
