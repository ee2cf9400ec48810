"""Stories: articles from every outlet and language that report the same event, grouped online."""

from babelwire.stories.grouping import GroupingParams, assign_story, regroup_pending
from babelwire.stories.quotes import Quote, extract_quotes, translated_quotes
from babelwire.stories.views import get_story, list_stories, story_of

__all__ = [
    "GroupingParams",
    "Quote",
    "assign_story",
    "extract_quotes",
    "get_story",
    "list_stories",
    "regroup_pending",
    "story_of",
    "translated_quotes",
]
