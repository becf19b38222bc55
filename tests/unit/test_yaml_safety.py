"""A crafted policy is refused before anything expands it: aliases, deep nesting, size."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
import yaml

from chatmod.cli import main
from chatmod.policy import MAX_ERROR_CHARS, PolicyError, excerpt, limits, parse_policy
from chatmod.policy.live import FilePolicySource
from chatmod.yaml_load import MAX_DEPTH, SAFE_LOADER, YamlRefused, load_yaml
from tests.policy_bombs import BOMBS

SAYS = {
    "billion_laughs": "aliases (*name) are not accepted",
    "billion_laughs_deeper": "aliases (*name) are not accepted",
    "merge_bomb": "aliases (*name) are not accepted",
    "deep_nesting": f"nested deeper than {MAX_DEPTH} levels",
}


@pytest.mark.parametrize("name", BOMBS)
def test_a_crafted_policy_is_refused_with_a_short_message_that_says_where(name: str) -> None:
    with pytest.raises(PolicyError) as caught:
        parse_policy(BOMBS[name], "bomb.yaml")
    message = str(caught.value)
    assert SAYS[name] in message
    assert message.startswith("bomb.yaml: not valid YAML/JSON: line ")
    assert len(message) < 200


@pytest.mark.parametrize("name", BOMBS)
def test_check_policy_refuses_a_crafted_policy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    file = tmp_path / "policy.yaml"
    file.write_text(BOMBS[name], "utf-8")
    assert main(["check-policy", str(file)]) == 2
    err = capsys.readouterr().err
    assert SAYS[name] in err and len(err) < 300


def test_one_alias_is_enough_to_be_refused() -> None:
    with pytest.raises(YamlRefused, match="line 2, column 4"):
        load_yaml("a: &x 1\nb: *x\n")


def test_anchors_without_aliases_and_ampersands_in_text_still_load() -> None:
    assert load_yaml('a: &x 1\nb: "R&B * stars"\n') == {"a": 1, "b": "R&B * stars"}


def test_nesting_up_to_the_limit_loads() -> None:
    depth = MAX_DEPTH - 1  # the mapping around it is a level too
    assert load_yaml("a: " + "[" * depth + "]" * depth) is not None
    with pytest.raises(YamlRefused):
        load_yaml("a: " + "[" * (depth + 1) + "]" * (depth + 1))


def test_a_huge_file_is_read_only_up_to_the_limit_and_refused_by_size(tmp_path: Path) -> None:
    file = tmp_path / "huge.yaml"
    file.write_bytes(b"# " + b"x" * (4 * limits.MAX_POLICY_BYTES))
    text = FilePolicySource(str(file)).fetch()
    assert len(text) == limits.MAX_POLICY_BYTES + 1
    with pytest.raises(PolicyError, match="a policy may be"):
        parse_policy(text, str(file))


def test_a_validation_error_quotes_only_an_excerpt() -> None:
    languages = ", ".join(f"x{i}" for i in range(500))  # one error each
    with pytest.raises(PolicyError) as caught:
        parse_policy(f"version: 1\ndefaults: {{languages: [{languages}]}}\n")
    message = str(caught.value)
    assert len(message) <= MAX_ERROR_CHARS + 40
    assert message.startswith("<policy>: invalid policy:\n500 validation errors")
    assert message.endswith("more characters)")


def test_excerpt_says_how_much_it_left_out() -> None:
    assert excerpt("abcdef", 4) == "abcd... (2 more characters)"
    assert excerpt("abc", 4) == "abc"


# What the one pass builds itself, and what it leaves to PyYAML's loader (tags, anchors, merge
# keys, timestamps, collections as keys, more than one document): the same data either way.
DOCUMENTS = [
    "",
    "---\n",
    "x",
    "'12'",
    "a: [b, 'c', \"d\", 1, ~, yes, No, 0x1f, 0o17, 1_000, 1:30, .inf, -.Inf, 3.5e3, null]",
    "'': 1\n~: 2\n1: 3\n1.0: 4\ntrue: 5\n",
    "{a: 1, a: 2}",
    "- a\n- b: c\n  d: [e, {f: g}]\n",
    "a: |\n  multi\n  line\n",
    "a: >\n  folded\n  text\n",
    "a:\n",
    "%YAML 1.1\n---\na: 1\n...\n",
    "!!str z: !!int '3'\n",
    "a: &x 1\nb: 2\n",
    "<<: {a: 1}\nb: 2\n",
    "a: 2001-12-14\n",
    "a: !!set {x, y}\n",
    "- !!binary aGVsbG8=\n",
]
BROKEN = [
    "? [x]\n: y\n",
    "--- a\n--- b\n",
    "a: &x 1\nb: &x 2\n",
    "a: =\n",
    "a: b: c",
    "a: [1, 2",
    "- !foo x\n",
]


@pytest.mark.parametrize("text", DOCUMENTS)
def test_what_loads_is_what_pyyaml_builds(text: str) -> None:
    assert load_yaml(text) == yaml.load(text, Loader=SAFE_LOADER)


@pytest.mark.parametrize("text", BROKEN)
def test_what_pyyaml_refuses_is_refused_as_it_refuses_it(text: str) -> None:
    with pytest.raises(yaml.YAMLError) as expected:
        yaml.load(text, Loader=SAFE_LOADER)
    with pytest.raises(type(expected.value), match=re.escape(str(expected.value))):
        load_yaml(text)


def test_random_documents_load_as_pyyaml_loads_them() -> None:
    pieces = ["a", "b", ": ", "\n", "\n  ", "- ", "[", "]", "{", "}", ", ", "'x'", '"y"', "1"]
    pieces += ["1.5", "~", "yes", "? ", "#c", "|\n  t\n", "!!str ", "&a ", "<<", "---\n"]
    rnd = random.Random(22)
    for _ in range(2_000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 20)))
        try:
            expected = ("data", yaml.load(text, Loader=SAFE_LOADER))
        except yaml.YAMLError:
            with pytest.raises(yaml.YAMLError):
                load_yaml(text)
            continue
        assert ("data", load_yaml(text)) == expected, text


def test_the_packs_and_levels_load_as_pyyaml_loads_them() -> None:
    package = Path(__file__).resolve().parents[2] / "layers/chatmod/chatmod"
    files = sorted(package.glob("**/*.yaml"))
    assert len(files) > 10
    for file in files:
        text = file.read_text("utf-8")
        assert load_yaml(text) == yaml.load(text, Loader=SAFE_LOADER), file
