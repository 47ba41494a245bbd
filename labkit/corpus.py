"""Synthetic English movie reviews for binary sentiment classification.

This is the offline default data set of the labs. It is generated, not
collected: no review comes from a real data set, and the film titles, people
and places are invented. The splits have the columns of the Hugging Face
``imdb`` data set, ``text`` and ``label`` with the class names ``neg`` and ``pos``.

A review has 30 to 300 words (median about 100). It mixes neutral filler (plot,
cast, setting, running time, production details) with sentiment phrases:
predicate adjectives, noun phrases, verbs of experience and verdicts. Some
filler reuses sentiment words for characters ("a brilliant surgeon"), which
carry no sentiment. The label comes from a latent score, the sum of the
phrase values, with these rules:

* A phrase is worth ``polarity * strength``. Strength runs from 1 (weak) to 3
  (strong), gains 1 after an intensifier and is halved after a downtoner.
* Negation ("not", "never", "hardly", "far from", ...) flips the sign and
  halves the value, so "not terrible" is mildly positive.
* In a contrast the main clause weighs 1.5 and the concessive clause 0.5:
  "the acting is weak, but the script is superb" is positive, and so is
  "the film is superb, even if the acting is weak".
* A verdict ("I would watch it again") weighs 1.5.

The label is 1 (``pos``) when the score plus Gaussian noise (``SCORE_NOISE``)
is positive. ``MIXED_FRACTION`` of the reviews draw the polarity of each phrase
at random, and then ``LABEL_NOISE`` of all labels are flipped, so no
classifier can reach accuracy 1.0.

Measured accuracy, one run per setting on 2 CPU cores, ``make_corpus(4000, 1000)``
with seeds 0 and 1: BERT-tiny trained from scratch reached 0.86 to 0.88 on the
test split. It used a WordPiece vocabulary of 4,000 trained on the train split,
128 tokens, batch 32, 3 epochs and AdamW at lr 5e-4 or 1e-3. Logistic regression
on word counts reached 0.87 to 0.89 (full text) and 0.87 (first 128 tokens).
NOTE: at that budget the transformer learns little from negation and contrast
beyond what word counts give, so it does not beat the word-count baseline.

Example::

    >>> corpus = make_corpus(train_size=200, test_size=100, seed=0)
    >>> corpus["train"].features["label"].names
    ['neg', 'pos']
"""

from __future__ import annotations

import math
import random

import datasets

__all__ = [
    "LABEL_NAMES",
    "LABEL_NOISE",
    "MAX_WORDS",
    "MIN_WORDS",
    "generate_reviews",
    "make_corpus",
]

LABEL_NAMES = ("neg", "pos")

# review length limits, in words separated by whitespace
MIN_WORDS = 30
MAX_WORDS = 300

LABEL_NOISE = 0.05  # probability that a review's label is flipped
MIXED_FRACTION = 0.06  # fraction of reviews whose phrases have random polarity
AGREEMENT = 0.93  # probability that a phrase has the review's intended polarity
SCORE_NOISE = 0.75  # standard deviation of the Gaussian noise added to the score

NEGATION_PROBABILITY = 0.08  # probability that a phrase is negated
CONTRAST_PROBABILITY = 0.1  # probability that a sentiment sentence is a contrast
VERDICT_PROBABILITY = 0.8  # probability that a review has a verdict
OPENING_VERDICT_PROBABILITY = 0.5  # probability that the verdict opens the review, not closes it
NEGATION_FACTOR = 0.5  # a negated phrase is worth -NEGATION_FACTOR times the phrase
VERDICT_WEIGHT = 1.5

# the median length is about 100 words, and draws outside the range are redrawn
LENGTH_LOG_MEAN = math.log(100)
LENGTH_LOG_STD = 0.45
WORDS_PER_SENTIMENT_SENTENCE = 22

# ---------------------------------------------------------------------------
# Sentiment lexicon: (phrase, strength) pairs, strength 1 (weak) to 3 (strong).

POSITIVE_ADJECTIVES = (
    ("decent", 1), ("watchable", 1), ("pleasant", 1), ("solid", 1), ("competent", 1),
    ("likeable", 1), ("agreeable", 1), ("good", 2), ("engaging", 2), ("charming", 2),
    ("effective", 2), ("enjoyable", 2), ("clever", 2), ("well made", 2), ("touching", 2),
    ("gripping", 2), ("impressive", 2), ("superb", 3), ("outstanding", 3), ("brilliant", 3),
    ("masterful", 3), ("breathtaking", 3), ("wonderful", 3), ("magnificent", 3),
    ("unforgettable", 3), ("excellent", 3),
)
NEGATIVE_ADJECTIVES = (
    ("uneven", 1), ("forgettable", 1), ("flat", 1), ("bland", 1), ("predictable", 1),
    ("stiff", 1), ("overlong", 1), ("weak", 2), ("dull", 2), ("clumsy", 2), ("tedious", 2),
    ("poor", 2), ("lifeless", 2), ("boring", 2), ("confusing", 2), ("sloppy", 2),
    ("dreadful", 3), ("awful", 3), ("atrocious", 3), ("unbearable", 3), ("terrible", 3),
    ("painful", 3), ("abysmal", 3), ("laughable", 3),
)
POSITIVE_NOUN_PHRASES = (
    ("a pleasant surprise", 1), ("a solid piece of work", 1), ("a nice change of pace", 1),
    ("a real pleasure", 2), ("a treat", 2), ("a crowd pleaser", 2), ("a gem", 3),
    ("a triumph", 3), ("a masterpiece", 3), ("a modern classic", 3),
)
NEGATIVE_NOUN_PHRASES = (
    ("a missed opportunity", 1), ("a letdown", 1), ("a bit of a slog", 1),
    ("a mess", 2), ("a chore to sit through", 2), ("a disappointment", 2),
    ("a disaster", 3), ("an insult to the audience", 3), ("a complete failure", 3),
    ("a train wreck", 3),
)
# (past tense, base form) of verbs that take an aspect as object
POSITIVE_VERBS = (
    (("loved", "love"), 3), (("adored", "adore"), 3), (("enjoyed", "enjoy"), 2),
    (("admired", "admire"), 2), (("liked", "like"), 1), (("appreciated", "appreciate"), 1),
)
NEGATIVE_VERBS = (
    (("hated", "hate"), 3), (("loathed", "loathe"), 3), (("disliked", "dislike"), 2),
    (("resented", "resent"), 2), (("regretted", "regret"), 2),
)
# participles used as "I was ... by the ending"
POSITIVE_PARTICIPLES = (
    ("impressed", 2), ("moved", 2), ("gripped", 2), ("won over", 2), ("delighted", 3),
    ("amused", 1), ("pleased", 1),
)
NEGATIVE_PARTICIPLES = (
    ("bored", 2), ("annoyed", 2), ("irritated", 2), ("disappointed", 2),
    ("underwhelmed", 1), ("puzzled", 1), ("appalled", 3),
)
# ((affirmative, negated form or "" where no natural negation exists), strength)
POSITIVE_VERDICTS = (
    (("I would watch it again", "I would never watch it again"), 2),
    (("it is worth the ticket price", "it is not worth the ticket price"), 2),
    (("I recommend it to anyone", "I cannot recommend it to anyone"), 3),
    (("it is one of the best films of the year", "it is not one of the best films of the year"), 3),
    (("it kept me on the edge of my seat", "it never kept me on the edge of my seat"), 2),
    (("it is a fine way to spend an evening", "it is hardly a fine way to spend an evening"), 1),
    (("I was moved to tears", ""), 3),
    (("I left the cinema smiling", ""), 2),
    (("it deserves a much wider audience", ""), 2),
    (("I will be thinking about it for days", ""), 2),
    (("you could do a lot worse", ""), 1),
)
NEGATIVE_VERDICTS = (
    (("it is a waste of two hours", "it is not a waste of two hours"), 3),
    (("I nearly walked out", "I never once thought of walking out"), 2),
    (("I checked my watch more than once", "I never checked my watch"), 2),
    (("I regret buying a ticket", "I do not regret buying a ticket"), 2),
    (("it left me cold", "it did not leave me cold"), 2),
    (("you can safely skip it", "you should not skip it"), 2),
    (("I want my money back", ""), 3),
    (("it is the worst film I have seen in years", ""), 3),
    (("I would not sit through it again", ""), 2),
    (("I fell asleep halfway through", ""), 2),
    (("it is only for the most patient viewers", ""), 1),
)

# The things that a sentiment phrase judges. All are singular, so they take "is".
ASPECTS = (
    "the acting", "the script", "the direction", "the pacing", "the dialogue",
    "the cinematography", "the soundtrack", "the ending", "the editing", "the plot",
    "the story", "the humour", "the camera work", "the production design", "the first act",
    "the final act", "the climax", "the lead performance", "the film", "this movie",
    "the whole thing", "the chemistry between the leads", "the villain", "the score",
)
INTENSIFIERS = ("very", "really", "truly", "genuinely", "remarkably", "incredibly", "thoroughly")
DOWNTONERS = ("somewhat", "fairly", "rather", "a little", "mildly", "slightly")
# linking verbs as (affirmative, {negator: negated form})
COPULAS = (
    ("is", {"not": "is not", "never": "is never", "hardly": "is hardly",
            "far from": "is far from"}),
    ("was", {"not": "was not", "never": "was never", "hardly": "was hardly",
             "far from": "was far from"}),
    ("feels", {"not": "does not feel", "never": "never feels", "hardly": "hardly feels"}),
    ("seems", {"not": "does not seem", "never": "never seems", "hardly": "hardly seems"}),
    ("comes across as", {"not": "does not come across as", "never": "never comes across as"}),
)
NOUN_PHRASE_NEGATORS = ("is not", "is far from", "is hardly", "is by no means", "is anything but")
VERB_NEGATORS = ("did not {base}", "never {past}", "could not {base}", "did not really {base}")
PARTICIPLE_NEGATORS = ("was not", "was never", "was hardly", "was not at all")
CLOSING_LEADS = ("", "", "In short, ", "Overall, ", "All in all, ", "Bottom line: ", "To sum up, ",
                 "In the end, ", "Honestly, ", "Simply put, ")
OPENING_LEADS = ("", "", "Let me start with the verdict: ", "To be honest, ",
                 "First things first: ", "I will keep it short: ", "Straight away: ")

# (template, weight of {a}, weight of {b}), where the main clause gets the larger weight
CONTRAST_TEMPLATES = (
    ("{a}, but {b}", 0.5, 1.5),
    ("although {a}, {b}", 0.5, 1.5),
    ("{a}. However, {b}", 0.5, 1.5),
    ("{a}, yet {b}", 0.5, 1.5),
    ("while {a}, {b}", 0.5, 1.5),
    ("even though {a}, {b}", 0.5, 1.5),
    ("at first I thought {a}, but by the end {b}", 0.5, 1.5),
    ("early on {a}, but later {b}", 0.5, 1.5),
    ("{a}, even if {b}", 1.5, 0.5),
    ("{a}, though {b}", 1.5, 0.5),
    ("{a}, despite the fact that {b}", 1.5, 0.5),
)

# ---------------------------------------------------------------------------
# Neutral vocabulary: invented names, places and plot material.

FIRST_NAMES = (
    "Mara", "Tobias", "Ines", "Declan", "Priya", "Anselm", "Greta", "Joaquin", "Noor",
    "Callum", "Wren", "Idris", "Sabine", "Emeka", "Lotte", "Rafael", "Yuki", "Orla",
    "Matteo", "Freya", "Dario", "Hana", "Silas", "Leona", "Kasper", "Amara", "Bastian",
    "Elif", "Rowan", "Tamsin", "Viktor", "Carmen", "Jonah", "Aiko", "Felix", "Marisol",
    "Oskar", "Delphine", "Teodor", "Imogen", "Ruben", "Sunniva", "Anton", "Zara",
)
SURNAMES = (
    "Vellacott", "Ashdown", "Okonkwo", "Marlowe", "Brannigan", "Castellan", "Duvall",
    "Esterhaz", "Fairweather", "Grimaldi", "Halloran", "Ibarra", "Janssen", "Kovalenko",
    "Lindqvist", "Moravec", "Nakashima", "Oduya", "Pemberton", "Quayle", "Rosendahl",
    "Sorensen", "Thackeray", "Umbridge", "Valdez", "Whitlock", "Yarrow", "Zielinski",
    "Abernethy", "Bellweather", "Corrigan", "Delacroix", "Ekwueme", "Fontaine", "Galloway",
    "Hartigan", "Iversen", "Kilbride", "Lachance", "Mendoza",
)
CHARACTER_NAMES = (
    "Abel", "Birdie", "Casimir", "Dorothea", "Ezra", "Flora", "Gideon", "Hester", "Ignatius",
    "Juno", "Lazlo", "Mabel", "Nico", "Ottilie", "Percy", "Rosalind", "Stellan", "Thea",
    "Ulrich", "Vesna", "Walter", "Xenia", "Yusuf", "Zinnia", "Cormac", "Ada", "Barnaby",
    "Clementine", "Dmitri", "Esme",
)
TITLE_ADJECTIVES = (
    "Silent", "Crimson", "Hollow", "Northern", "Paper", "Glass", "Distant", "Burning",
    "Quiet", "Iron", "Winter", "Sunken", "Wild", "Midnight", "Lost", "Seventh", "Salt",
    "Copper", "Last", "Borrowed",
)
TITLE_NOUNS = (
    "Orchard", "Harbour", "Signal", "Garden", "Lantern", "Frontier", "Mirror", "Tide",
    "Archive", "Crossing", "Kingdom", "Letter", "Engine", "Season", "Witness", "Compass",
    "Sparrow", "Tenant", "Meridian", "Passage", "Horizon", "Choir",
)
PLACE_STEMS = (
    "Harrow", "Linden", "Marsh", "Raven", "Elder", "Stone", "Ash", "Wick", "Thorn",
    "Bramble", "Kessel", "Morrow", "Fenn", "Gull", "Oak", "Cinder",
)
PLACE_ENDINGS = ("ford", "mouth", " Point", " Falls", "wick", " Bay", "field", " Hollow", "bridge",
                 " Cross", "haven", "moor")
GENRES = (
    "thriller", "romantic comedy", "war drama", "science fiction film", "horror film",
    "family drama", "heist film", "western", "musical", "courtroom drama",
    "coming-of-age story", "mystery", "animated feature", "period piece", "road movie",
    "sports drama", "political thriller", "ghost story", "disaster film", "satire",
)
OCCUPATIONS = (
    "nurse", "lighthouse keeper", "retired detective", "chemistry teacher", "taxi driver",
    "marine biologist", "struggling musician", "small-town lawyer", "baker", "journalist",
    "pilot", "farmer", "translator", "museum guard", "architect", "ship's cook",
    "night watchman", "surgeon", "postal worker", "chess coach",
)
# Some traits reuse words of the sentiment lexicon, but they describe characters,
# not the film, so they carry no sentiment.
CHARACTER_TRAITS = (
    "lonely", "stubborn", "quiet", "reckless", "brilliant", "charming", "clumsy",
    "cruel", "gentle", "bitter", "cheerful", "awful", "dull", "weak", "wonderful",
    "nervous", "ambitious",
)
PLOT_EVENTS = (
    "discovers a box of old letters", "agrees to help a stranger cross the border",
    "inherits a failing hotel", "witnesses a robbery", "starts receiving anonymous phone calls",
    "returns home after twenty years", "enters a dance competition",
    "loses a job and a marriage in the same week", "finds a map hidden in a library book",
    "takes a job at a remote research station", "tries to reunite an old band",
    "is wrongly accused of a terrible crime", "wins a boring office raffle",
    "survives a dreadful storm at sea", "makes a brilliant discovery in the attic",
    "falls for a neighbour", "has to hide a fugitive for a week",
)
GOALS = (
    "find a missing sister", "pay off a debt", "win back a former partner",
    "save the family farm", "clear a friend's name", "deliver a package across the country",
    "expose a corrupt mayor", "finish a novel", "get to a wedding on time",
    "recover a stolen painting", "keep a promise made years ago",
)
OBJECTS = (
    "a locked suitcase", "an old radio", "a lottery ticket", "a diary", "a photograph",
    "a brass key", "a stolen painting", "a wedding ring", "a cassette tape", "a letter",
)
RELATIONS = (
    "sister", "brother", "best friend", "neighbour", "mentor", "rival", "former partner",
    "daughter", "son", "landlord", "uncle", "business partner",
)
COMPANIONS = ("my partner", "two friends", "my father", "my sister", "a colleague", "my kids")
VENUES = ("a small cinema", "a festival screening", "a matinee", "a late-night screening",
          "a drive-in", "an almost empty multiplex")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
LANGUAGES = ("French", "Danish", "Portuguese", "Korean", "Polish", "Icelandic", "Spanish")
SOURCES = ("novel", "short story", "stage play", "memoir", "radio drama", "graphic novel")
ORDINALS = ("second", "third", "fourth", "fifth")

# Each template uses the keys of the dictionary that _draw_film returns.
NEUTRAL_TEMPLATES = (
    "{title} is a {genre} from {year}, directed by {director}.",
    "The story follows {character}, a {occupation} in {place}, who {plot_event}.",
    "{actor} plays {character}, and {actor2} appears as {character}'s {relation}.",
    "Most of the action takes place in {place} over a single {weekday}.",
    "The film runs {minutes} minutes.",
    "It was shot on location in {place2} over {weeks} weeks.",
    "{director} also wrote the screenplay, adapting a {source} by {writer}.",
    "I saw it at {venue} with {companion}.",
    "The plot turns on {object} that {character} finds in {place}.",
    "Halfway through, {character} travels to {place2} to {goal}.",
    "The supporting cast includes {actor2} and {actor3}.",
    "This is the {ordinal} feature from {director}, after {title2}.",
    "The music is by {composer}.",
    "Much of the dialogue is in {language}, with subtitles.",
    "It premiered at the {place2} Film Festival in {year}.",
    "{character} has {days} days to {goal}.",
    "{character} is a {trait} {occupation} who {plot_event}.",
    "Without giving too much away, {character} {plot_event}.",
    "The budget was reported to be around {budget} million dollars.",
    "The cast rehearsed for {weeks} weeks before filming began.",
    "The second half moves to a farmhouse outside {place2}.",
    "{actor} previously starred in {title2}.",
    "There is a subplot about {character2}, {character}'s {relation}, and {object}.",
    "It is loosely based on events in {place} in the {decade}s.",
    "The story jumps between {year} and the present day.",
    "{character2}, a {trait} {occupation2}, keeps getting in the way.",
    "I went in knowing only the title and the poster.",
    "It was released on a {weekday} with very little publicity.",
    "The opening scene shows {character} waiting for a train in {place}.",
    "The cinematographer is {cinematographer}, who worked with {director} before.",
    "{director} cast {actor} after seeing {actor2} in a stage play.",
    "My {relation} suggested we watch it on a {weekday} night.",
    "The running time is about {minutes} minutes, including a long prologue.",
    "{character} and {character2} meet on the first day of a {genre_noun} course.",
)
GENRE_NOUNS = ("cooking", "sailing", "painting", "driving", "language", "first aid")

# ---------------------------------------------------------------------------
# Helpers that draw one piece of text with its sentiment value.


def _capitalize(text: str) -> str:
    return text[0].upper() + text[1:]


def _with_article(phrase: str) -> str:
    article = "an" if phrase[0] in "aeiou" else "a"
    return f"{article} {phrase}"


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


def _place(rng: random.Random) -> str:
    return rng.choice(PLACE_STEMS) + rng.choice(PLACE_ENDINGS)


def _title(rng: random.Random) -> str:
    pattern = rng.randrange(5)
    if pattern == 0:
        return f"The {rng.choice(TITLE_ADJECTIVES)} {rng.choice(TITLE_NOUNS)}"
    if pattern == 1:
        return f"{rng.choice(TITLE_NOUNS)} of {_place(rng)}"
    if pattern == 2:
        return _place(rng)
    if pattern == 3:
        noun_phrase = _with_article(rng.choice(TITLE_NOUNS).lower()).title()
        return f"{noun_phrase} for {rng.choice(CHARACTER_NAMES)}"
    return f"{rng.choice(TITLE_ADJECTIVES)} {rng.choice(TITLE_NOUNS)}"


def _draw_film(rng: random.Random) -> dict[str, str]:
    """Draw the names and facts that one review mentions, so a review stays consistent."""
    year = rng.randrange(1968, 2024)
    return {
        "title": _title(rng),
        "title2": _title(rng),
        "director": _person(rng),
        "writer": _person(rng),
        "composer": _person(rng),
        "cinematographer": _person(rng),
        "actor": _person(rng),
        "actor2": _person(rng),
        "actor3": _person(rng),
        "character": rng.choice(CHARACTER_NAMES),
        "character2": rng.choice(CHARACTER_NAMES),
        "place": _place(rng),
        "place2": _place(rng),
        "genre": rng.choice(GENRES),
        "genre_noun": rng.choice(GENRE_NOUNS),
        "year": str(year),
        "decade": str(rng.randrange(1920, 2010, 10)),
        "minutes": str(rng.randrange(78, 181)),
        "weeks": str(rng.randrange(3, 15)),
        "days": rng.choice(("two", "three", "five", "seven", "ten")),
        "budget": str(rng.randrange(2, 90)),
        "occupation": rng.choice(OCCUPATIONS),
        "occupation2": rng.choice(OCCUPATIONS),
        "trait": rng.choice(CHARACTER_TRAITS),
        "plot_event": rng.choice(PLOT_EVENTS),
        "goal": rng.choice(GOALS),
        "object": rng.choice(OBJECTS),
        "relation": rng.choice(RELATIONS),
        "companion": rng.choice(COMPANIONS),
        "venue": rng.choice(VENUES),
        "weekday": rng.choice(WEEKDAYS),
        "language": rng.choice(LANGUAGES),
        "source": rng.choice(SOURCES),
        "ordinal": rng.choice(ORDINALS),
    }


def _aspect(rng: random.Random, film: dict[str, str]) -> str:
    """Draw the thing a sentiment phrase judges, as a singular noun phrase."""
    roll = rng.randrange(20)
    if roll == 0:
        return f"{film['actor']}'s performance"
    if roll == 1:
        return f"{film['actor2']} as {film['character']}"
    if roll == 2:
        return film["title"]
    return rng.choice(ASPECTS)


def _adjective_phrase(rng: random.Random, polarity: int) -> tuple[str, float]:
    """Draw an adjective, maybe with an intensifier or downtoner, and its value."""
    lexicon = POSITIVE_ADJECTIVES if polarity > 0 else NEGATIVE_ADJECTIVES
    word, strength = rng.choice(lexicon)
    roll = rng.random()
    if roll < 0.2:
        return f"{rng.choice(INTENSIFIERS)} {word}", polarity * (strength + 1)
    if roll < 0.3 and strength < 3:
        return f"{rng.choice(DOWNTONERS)} {word}", polarity * strength * 0.5
    return word, float(polarity * strength)


def _predicate_clause(
    rng: random.Random, film: dict[str, str], polarity: int, negated: bool
) -> tuple[str, float]:
    # "the pacing is really dull", "the ending never feels gripping"
    adjective, value = _adjective_phrase(rng, polarity)
    copula, negated_forms = rng.choice(COPULAS)
    if negated:
        copula = negated_forms[rng.choice(tuple(negated_forms))]
    return f"{_aspect(rng, film)} {copula} {adjective}", value


def _attributive_clause(
    rng: random.Random, film: dict[str, str], polarity: int, negated: bool
) -> tuple[str, float]:
    # "Glass Tide is a thoroughly clumsy heist film"
    adjective, value = _adjective_phrase(rng, polarity)
    verb = "is not" if negated else "is"
    subject = rng.choice((film["title"], "this", "it"))
    return f"{subject} {verb} {_with_article(adjective)} {film['genre']}", value


def _noun_phrase_clause(
    rng: random.Random, film: dict[str, str], polarity: int, negated: bool
) -> tuple[str, float]:
    lexicon = POSITIVE_NOUN_PHRASES if polarity > 0 else NEGATIVE_NOUN_PHRASES
    phrase, strength = rng.choice(lexicon)
    verb = rng.choice(NOUN_PHRASE_NEGATORS) if negated else "is"
    subject = rng.choice((film["title"], "the film", "it", "this movie"))
    return f"{subject} {verb} {phrase}", float(polarity * strength)


def _verb_clause(
    rng: random.Random, film: dict[str, str], polarity: int, negated: bool
) -> tuple[str, float]:
    # "I did not enjoy the pacing", "I was never bored by the script"
    aspect = _aspect(rng, film)
    if rng.random() < 0.5:
        lexicon = POSITIVE_VERBS if polarity > 0 else NEGATIVE_VERBS
        (past, base), strength = rng.choice(lexicon)
        verb = rng.choice(VERB_NEGATORS).format(past=past, base=base) if negated else past
        return f"I {verb} {aspect}", float(polarity * strength)
    lexicon = POSITIVE_PARTICIPLES if polarity > 0 else NEGATIVE_PARTICIPLES
    participle, strength = rng.choice(lexicon)
    auxiliary = rng.choice(PARTICIPLE_NEGATORS) if negated else "was"
    return f"I {auxiliary} {participle} by {aspect}", float(polarity * strength)


CLAUSE_BUILDERS = (_predicate_clause, _attributive_clause, _noun_phrase_clause, _verb_clause)
CLAUSE_BUILDER_WEIGHTS = (0.45, 0.15, 0.15, 0.25)


def _sentiment_clause(rng: random.Random, film: dict[str, str], polarity: int) -> tuple[str, float]:
    """Draw a clause whose value has the sign of ``polarity``, negated or not."""
    builder = rng.choices(CLAUSE_BUILDERS, CLAUSE_BUILDER_WEIGHTS)[0]
    if rng.random() < NEGATION_PROBABILITY:
        # negate a phrase of the opposite polarity, so the clause keeps the requested sign
        text, value = builder(rng, film, -polarity, True)
        return text, -NEGATION_FACTOR * value
    return builder(rng, film, polarity, False)


def _sentiment_sentence(
    rng: random.Random, film: dict[str, str], polarity: int
) -> tuple[str, float]:
    """Draw a plain or contrasting sentence whose main clause has ``polarity``."""
    if rng.random() >= CONTRAST_PROBABILITY:
        text, value = _sentiment_clause(rng, film, polarity)
        return _capitalize(text) + ".", value

    # the concessive clause has the polarity opposite to the main clause
    template, weight_a, weight_b = rng.choice(CONTRAST_TEMPLATES)
    if weight_b > weight_a:
        polarity_a, polarity_b = -polarity, polarity
    else:
        polarity_a, polarity_b = polarity, -polarity
    text_a, value_a = _sentiment_clause(rng, film, polarity_a)
    text_b, value_b = _sentiment_clause(rng, film, polarity_b)
    text = template.format(a=text_a, b=text_b)
    return _capitalize(text) + ".", weight_a * value_a + weight_b * value_b


def _verdict_sentence(
    rng: random.Random, polarity: int, leads: tuple[str, ...]
) -> tuple[str, float]:
    """Draw a verdict whose value has the sign of ``polarity``, introduced by one of ``leads``."""
    if rng.random() < NEGATION_PROBABILITY:
        # negate a verdict of the opposite polarity, as in "it is not a waste of two hours"
        opposite = NEGATIVE_VERDICTS if polarity > 0 else POSITIVE_VERDICTS
        negatable = [(negation, strength) for (_, negation), strength in opposite if negation]
        text, strength = rng.choice(negatable)
        value = polarity * strength * NEGATION_FACTOR
    else:
        lexicon = POSITIVE_VERDICTS if polarity > 0 else NEGATIVE_VERDICTS
        (text, _), strength = rng.choice(lexicon)
        value = float(polarity * strength)

    lead = rng.choice(leads)
    sentence = lead + text if lead else _capitalize(text)
    return sentence + ".", VERDICT_WEIGHT * value


# ---------------------------------------------------------------------------
# Reviews and splits.


def _draw_length(rng: random.Random) -> int:
    # leave room below MAX_WORDS because the last filler sentence may overshoot
    while True:
        words = round(math.exp(rng.gauss(LENGTH_LOG_MEAN, LENGTH_LOG_STD)))
        if MIN_WORDS <= words <= MAX_WORDS - 30:
            return words


def _count_words(sentences: list[tuple[str, float]]) -> int:
    return sum(len(text.split()) for text, _ in sentences)


def _compose_review(rng: random.Random, polarity: int) -> tuple[str, float]:
    """Compose a review that leans towards ``polarity`` and return its text and latent score."""
    film = _draw_film(rng)
    target_words = _draw_length(rng)
    agreement = 0.5 if rng.random() < MIXED_FRACTION else AGREEMENT

    def draw_polarity() -> int:
        return polarity if rng.random() < agreement else -polarity

    # sentiment sentences, about one per WORDS_PER_SENTIMENT_SENTENCE words of review
    num_sentiment = max(1, round(target_words / WORDS_PER_SENTIMENT_SENTENCE))
    sentiment = [_sentiment_sentence(rng, film, draw_polarity()) for _ in range(num_sentiment)]
    opening, closing = [], []
    if rng.random() < VERDICT_PROBABILITY:
        if rng.random() < OPENING_VERDICT_PROBABILITY:
            opening.append(_verdict_sentence(rng, draw_polarity(), OPENING_LEADS))
        else:
            closing.append(_verdict_sentence(rng, draw_polarity(), CLOSING_LEADS))

    # neutral filler up to the target length, each template at most once
    filler = []
    num_words = _count_words(sentiment) + _count_words(opening) + _count_words(closing)
    for template in rng.sample(NEUTRAL_TEMPLATES, len(NEUTRAL_TEMPLATES)):
        if num_words >= target_words:
            break
        sentence = template.format(**film)
        filler.append((sentence, 0.0))
        num_words += len(sentence.split())

    # long sentiment sentences can still push a review past MAX_WORDS
    while num_words > MAX_WORDS:
        removed = filler.pop() if filler else sentiment.pop()
        num_words -= len(removed[0].split())

    body = sentiment + filler
    rng.shuffle(body)
    sentences = opening + body + closing
    text = " ".join(sentence for sentence, _ in sentences)
    score = sum(value for _, value in sentences) + rng.gauss(0.0, SCORE_NOISE)
    return text, score


def _sample_reviews(num_reviews: int, rng: random.Random, exclude: set[str]) -> list[dict]:
    """Draw ``num_reviews`` distinct reviews, half of each label, with no text from ``exclude``."""
    per_label = num_reviews // 2
    counts = [0, 0]
    seen = set(exclude)
    reviews = []
    while len(reviews) < num_reviews:
        open_labels = [label for label in (0, 1) if counts[label] < per_label]
        intended = rng.choice(open_labels)
        text, score = _compose_review(rng, 1 if intended == 1 else -1)

        label = int(score > 0)
        if rng.random() < LABEL_NOISE:
            label = 1 - label
        # discard a review whose label already has per_label reviews, so the labels stay balanced
        if counts[label] == per_label or text in seen:
            continue

        seen.add(text)
        counts[label] += 1
        reviews.append({"text": text, "label": label})

    rng.shuffle(reviews)
    return reviews


def _check_size(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {value!r} of type {type(value).__name__}")
    if value <= 0 or value % 2 == 1:
        suggestion = max(2, value + 1)
        raise ValueError(
            f"invalid {name}={value}: it must be a positive even integer because each label "
            f"gets exactly half of the reviews; use {suggestion} instead"
        )


def _check_seed(seed: object) -> None:
    # random.Random(None) would seed from operating system randomness, which is not reproducible
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {seed!r} of type {type(seed).__name__}")


def generate_reviews(num_reviews: int, seed: int) -> list[dict]:
    """Generate ``num_reviews`` distinct synthetic reviews, half ``neg`` and half ``pos``.

    Each review is a dict ``{"text": str, "label": int}`` with label 0 (``neg``)
    or 1 (``pos``), and has ``MIN_WORDS`` to ``MAX_WORDS`` words. The output
    depends only on ``num_reviews`` and ``seed``. A larger ``num_reviews`` with
    the same seed does not start with the smaller list, because the order is shuffled.

    Raises:
        TypeError: if ``num_reviews`` or ``seed`` is not an int.
        ValueError: if ``num_reviews`` is not a positive even integer.
    """
    _check_size("num_reviews", num_reviews)
    _check_seed(seed)
    return _sample_reviews(num_reviews, random.Random(seed), exclude=set())


def make_corpus(train_size: int, test_size: int, seed: int = 0) -> datasets.DatasetDict:
    """Build the ``train`` and ``test`` splits of the synthetic review corpus.

    The train split is ``generate_reviews(train_size, seed)``. The test split
    comes from a separate random stream and contains no text of the train split.
    Both splits have the columns ``text`` (string) and ``label``
    (``ClassLabel(names=["neg", "pos"])``), as the Hugging Face ``imdb`` data set does.

    Raises:
        TypeError: if a size or ``seed`` is not an int.
        ValueError: if a size is not a positive even integer.
    """
    _check_size("train_size", train_size)
    _check_size("test_size", test_size)
    _check_seed(seed)

    train = generate_reviews(train_size, seed)
    # random.Random hashes a string seed with SHA-512, so this stream differs from small int seeds
    test_rng = random.Random(f"labkit.corpus test split {seed}")
    test = _sample_reviews(test_size, test_rng, exclude={review["text"] for review in train})

    features = datasets.Features(
        {"text": datasets.Value("string"), "label": datasets.ClassLabel(names=list(LABEL_NAMES))}
    )
    return datasets.DatasetDict(
        {
            "train": datasets.Dataset.from_list(train, features=features),
            "test": datasets.Dataset.from_list(test, features=features),
        }
    )
