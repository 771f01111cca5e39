"""Question answering grounded in the materials: chunking, retrieval, answers, training, evaluation."""
