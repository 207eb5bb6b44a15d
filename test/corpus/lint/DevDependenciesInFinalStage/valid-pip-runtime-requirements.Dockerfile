FROM python:3.12-slim
RUN pip install -r requirements.txt
RUN pip install poetry && poetry install --only main
