import { describe, expect, it } from 'vitest';
import { runtimeSuggestion } from './toolchain-images.js';

describe('runtimeSuggestion', () => {
  it.each([
    ['node:18', "'node:18-slim'", false],
    ['node', "'node:slim'", false],
    ['node:20-bookworm', "'node:20-bookworm-slim'", false],
    ['docker.io/library/node:18', "'node:18-slim'", false],
    ['python:3.12', "'python:3.12-slim'", false],
    ['python:3.12-bookworm', "'python:3.12-slim-bookworm'", false],
    ['ruby:3.3', "'ruby:3.3-slim'", false],
    ['eclipse-temurin:21', "'eclipse-temurin:21-jre'", false],
    ['eclipse-temurin:21-jdk-jammy', "'eclipse-temurin:21-jre-jammy'", false],
    ['golang:1.21', "a small runtime image such as 'gcr.io/distroless/static-debian12' or 'debian:bookworm-slim'", true],
    ['golang:1.21-alpine', "a small runtime image such as 'gcr.io/distroless/static-debian12' or 'debian:bookworm-slim'", true],
    ['maven:3-eclipse-temurin-21', "a JRE image such as 'eclipse-temurin:21-jre'", true],
    ['mcr.microsoft.com/dotnet/sdk:8.0', "'mcr.microsoft.com/dotnet/aspnet:8.0' or 'mcr.microsoft.com/dotnet/runtime:8.0'", true],
  ])('%s -> %s', (image, instead, needsBuilder) => {
    expect(runtimeSuggestion(image)).toMatchObject({ instead, needsBuilder });
  });

  it.each([
    'node:18-slim',
    'node:20-alpine',
    'node:20-bookworm-slim',
    'python:3.12-slim',
    'python:3.12-slim-bookworm',
    'eclipse-temurin:21-jre',
    'debian:bookworm-slim',
    'debian:bookworm',
    'nginx:alpine',
    'gcr.io/distroless/static-debian12',
    'scratch',
  ])('%s is fine', (image) => {
    expect(runtimeSuggestion(image)).toBeUndefined();
  });
});
