FROM scratch
ENTRYPOINT ["/myapp"]
ENTRYPOINT ["/myotherapp"]
CMD ["/myapp"]
CMD ["/myotherapp"]
HEALTHCHECK CMD ["/myapp"]
HEALTHCHECK CMD ["/myotherapp"]

# expect: 2 4 6
# expect-message: Multiple ENTRYPOINT instructions should not be used in the same stage because only the last one will be used
# expect-message: Multiple CMD instructions should not be used in the same stage because only the last one will be used
# expect-message: Multiple HEALTHCHECK instructions should not be used in the same stage because only the last one will be used
