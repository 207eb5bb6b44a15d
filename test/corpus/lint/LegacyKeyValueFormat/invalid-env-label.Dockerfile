FROM scratch
ENV testkey value
LABEL key value

# expect: 2 3
# expect-message: "ENV key=value" should be used instead of legacy "ENV key value" format
# expect-message: "LABEL key=value" should be used instead of legacy "LABEL key value" format
