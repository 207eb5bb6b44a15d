FROM scratch AS base
FROM scratch
