from scratch
copy Dockerfile /foo
copy Dockerfile /bar
