FROM scratch
# check=skip=JSONArgsRecommended
CMD mycommand
