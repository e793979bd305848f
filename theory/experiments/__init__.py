"""Experiments that train real ``torch.nn`` models: the subject–verb agreement task (``agreement``)."""
