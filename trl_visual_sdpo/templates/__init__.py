"""Templates shipped with the package: the model card (`model_card.md`)."""
