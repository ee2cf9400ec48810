"""Stories: articles from every outlet and language that report the same event, grouped online."""

from babelwire.stories.grouping import GroupingParams, assign_story, regroup_pending
from babelwire.stories.quotes import Quote, extract_quotes, translated_quotes

__all__ = [
    "GroupingParams",
    "Quote",
    "assign_story",
    "extract_quotes",
    "regroup_pending",
    "translated_quotes",
]
