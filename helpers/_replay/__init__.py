"""The machinery behind ``helpers.start()`` (replay, record, the network guards): not part of the tutorial.

Each module's docstring says what it does; learners never need to read them.
"""
