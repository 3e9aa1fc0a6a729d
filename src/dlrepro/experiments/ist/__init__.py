"""IST Deep Learning HW1 (seed 003): the from-scratch classifiers and their PyTorch counterparts.

``ist_linear`` (Q1.1–1.2: perceptron, logistic regression without and with ℓ2),
``ist_mlp_numpy`` (Q1.3: one-hidden-layer MLP trained per example), both in numpy
(:mod:`.numpy_models`); ``ist_torch`` (Q2: logistic regression and a feed-forward network in
torch); ``ist_quadratic`` (Q3: the quadratic-activation network fitted in closed form).
"""
