// The program the seed's Dockerfiles build: standard library only, so `go build` needs no module
// downloads, and the binary runs on debian:bookworm-slim, where there is no Go toolchain.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strings"
)

func greeting(words []string) string {
	if len(words) == 0 {
		return "Hello from the multi-stage Go build!"
	}
	return "Hello, " + strings.Join(words, " ") + "!"
}

func main() {
	fmt.Println(greeting(os.Args[1:]))
	fmt.Printf("built with %s for %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
