"""The one exception the knowledge base raises."""


class KnowledgeError(ValueError):
    """A data file is missing or malformed; the message names the file and the bad entry."""
