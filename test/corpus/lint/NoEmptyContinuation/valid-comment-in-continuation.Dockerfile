FROM scratch
RUN echo a \
# a comment
  && echo b
