"""Age regressors on 48×48 faces: ``age_mlp`` (CS 541 HW1 Q2) and ``age_linear_sgd`` (P2)."""
