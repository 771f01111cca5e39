"""Every model of Pathwise: loading, training, evaluation, inference. Only here torch is imported."""
