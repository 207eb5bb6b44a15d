FROM scratch
EXPOSE 127.0.0.1:80:80 [::1]:8080:8080 5000:5000 8000

# expect: 2 2 2
# expect-message: EXPOSE instruction should not define an IP address or host-port mapping, found '127.0.0.1:80:80'
# expect-message: EXPOSE instruction should not define an IP address or host-port mapping, found '[::1]:8080:8080'
# expect-message: EXPOSE instruction should not define an IP address or host-port mapping, found '5000:5000'
