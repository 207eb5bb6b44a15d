FROM python:3.12-slim
WORKDIR /app
# check=skip=CopyAllIntoFinalStage
COPY . .
