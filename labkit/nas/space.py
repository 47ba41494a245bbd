"""Search spaces of Lab 2: BERT sizes, and an identity choice for every square Linear layer.

Every choice is a plain number or string, so a study can be stored, resumed
and enumerated by ``optuna.samplers.GridSampler``. Parameter names are the
``BertConfig`` field names, so the sampled values go straight into the config.
"""

import dataclasses

import optuna

__all__ = ["SearchSpace", "SPACES", "get_space", "SQUARE_LAYERS", "identity_parameter", "sample_architecture"]

# The square Linear layers of a BERT encoder layer (hidden_size -> hidden_size),
# by their module path inside ``bert.encoder.layer[i]``.
SQUARE_LAYERS = {
    "query": "attention.self.query",
    "key": "attention.self.key",
    "value": "attention.self.value",
    "attention_output": "attention.output.dense",
}
LAYER_CHOICES = ("linear", "identity")


@dataclasses.dataclass(frozen=True)
class SearchSpace:
    """The values each architecture parameter may take."""

    num_hidden_layers: tuple[int, ...]
    num_attention_heads: tuple[int, ...]
    hidden_size: tuple[int, ...]
    intermediate_size: tuple[int, ...]

    def __post_init__(self):
        for field in dataclasses.fields(self):
            values = getattr(self, field.name)
            if not values:
                raise ValueError(f"search space {field.name} is empty: give at least one value")
        for hidden in self.hidden_size:
            for heads in self.num_attention_heads:
                if hidden % heads:
                    raise ValueError(f"hidden_size {hidden} is not a multiple of num_attention_heads "
                                     f"{heads}: BertConfig rejects it; change either list")

    def grid(self) -> dict[str, list]:
        """Return the architecture parameters as a ``GridSampler`` search space.

        The grid leaves out the identity choices, whose number depends on the
        sampled layer count: every layer of a grid trial is a Linear layer.
        """
        return {field.name: list(getattr(self, field.name)) for field in dataclasses.fields(self)}

    def size(self) -> int:
        """Return the number of architectures in the grid."""
        count = 1
        for values in self.grid().values():
            count *= len(values)
        return count


SPACES = {
    # The course's space, as run on IMDb.
    "imdb": SearchSpace(num_hidden_layers=(2, 4, 8), num_attention_heads=(2, 4, 8, 16),
                        hidden_size=(128, 192, 256, 384, 512),
                        intermediate_size=(512, 768, 1024, 1536, 2048)),
    # Scaled down so that a trial trains in seconds on a laptop CPU.
    "default": SearchSpace(num_hidden_layers=(1, 2, 3), num_attention_heads=(2, 4),
                           hidden_size=(64, 128), intermediate_size=(128, 256, 512)),
    "smoke": SearchSpace(num_hidden_layers=(1, 2), num_attention_heads=(2,),
                         hidden_size=(32, 64), intermediate_size=(64, 128)),
}


def get_space(profile_name: str) -> SearchSpace:
    if profile_name not in SPACES:
        raise ValueError(f"no search space for profile {profile_name!r}: use one of {', '.join(SPACES)}")
    return SPACES[profile_name]


def identity_parameter(layer_index: int, kind: str) -> str:
    return f"layer_{layer_index}_{kind}"


def sample_architecture(trial: optuna.Trial, space: SearchSpace, identities: bool = True) -> dict:
    """Suggest an architecture from ``space``; return the trial's parameters.

    With ``identities`` each square Linear layer of each sampled encoder layer
    also chooses between ``"linear"`` and ``"identity"``.
    """
    params = {name: trial.suggest_categorical(name, list(values))
              for name, values in space.grid().items()}
    if identities:
        for index in range(params["num_hidden_layers"]):
            for kind in SQUARE_LAYERS:
                name = identity_parameter(index, kind)
                params[name] = trial.suggest_categorical(name, list(LAYER_CHOICES))
    return params
