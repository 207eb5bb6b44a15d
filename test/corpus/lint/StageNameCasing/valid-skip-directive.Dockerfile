# check=skip=StageNameCasing
FROM scratch AS Bad
