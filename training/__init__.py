"""chatmod's training, export and evaluation of the toxicity model.

Run the scripts as modules from the repository root (``python -m training.train_real ...``);
nothing here imports ``chatmod`` at package import time, so the torch environment can read the
serving side's labels and text preparation (``training.serving``) without its dependencies.
"""
