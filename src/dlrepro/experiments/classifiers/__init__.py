"""Image classifiers trained with torch: the BatchNorm comparison and the learning-rate schedule."""
