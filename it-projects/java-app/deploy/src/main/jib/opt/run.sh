#!/bin/sh
exec java -jar /app/orders-1.0.0.jar "$@"
