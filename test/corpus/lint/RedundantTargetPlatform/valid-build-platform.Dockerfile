FROM --platform=$BUILDPLATFORM golang AS build
