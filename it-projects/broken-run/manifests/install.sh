#!/bin/sh
kubectl apply -f manifests/
