"""Models: the Hugging Face Hub (through huggingface_hub) and models on disk."""
