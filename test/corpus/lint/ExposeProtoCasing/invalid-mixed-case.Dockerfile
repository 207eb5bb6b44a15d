FROM scratch
EXPOSE 80/TcP 8080/TCP 8080/udp

# expect: 2 2
# expect-message: Defined protocol '80/TcP' in EXPOSE instruction should be lowercase
# expect-message: Defined protocol '8080/TCP' in EXPOSE instruction should be lowercase
