"""Mastery prediction (knowledge tracing): models, training, evaluation and online inference."""
