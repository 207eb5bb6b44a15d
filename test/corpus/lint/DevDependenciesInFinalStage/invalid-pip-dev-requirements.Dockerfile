FROM python:3.12-slim
COPY requirements-dev.txt .
RUN pip install --no-cache-dir -r requirements-dev.txt

# expect: 3
