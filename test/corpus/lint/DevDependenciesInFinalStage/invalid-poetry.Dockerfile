FROM python:3.12-slim
RUN pip install poetry && poetry install

# expect: 2
