#!/usr/bin/env bash
# cluster-image convention: bash init.sh ARCH NAME VERSION, run in the layout directory.
set -e
ARCH=${1:-amd64}
NAME=${2:-app}
VERSION=${3:-latest}
mkdir -p manifests
cat > manifests/generated.yaml <<YAML
apiVersion: v1
kind: ConfigMap
metadata:
  name: ${NAME}
data:
  arch: ${ARCH}
  version: "${VERSION}"
YAML
echo "prepared ${NAME} ${VERSION} for ${ARCH}"
