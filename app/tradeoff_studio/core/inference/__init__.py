"""ONNX models: manifest and validation, project registry, input mapping, batch scoring."""
