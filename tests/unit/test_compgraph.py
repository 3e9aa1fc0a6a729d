import pytest

from dlrepro.experiments.functions import compgraph

SETTINGS = dict(a=-1, b=4)


def summary_of(settings):
    """summarise as the run job calls it: the in-memory record, no history."""
    return compgraph.summarise([{"metrics": compgraph.run(settings).metrics}], [None], settings)


def test_homework_point():
    summary = summary_of(SETTINGS)
    assert summary["c"] == 3.0
    assert summary["dc_da"] == -5.0
    assert summary["paths"] == {"through_square": -6.0, "through_sum": 1.0}
    assert summary["paths_total"] == summary["dc_da"]
    assert summary["dc_db"] == 1.0


@pytest.mark.parametrize("a,b", [(-1.0, 4.0), (2.5, -0.3), (0.0, 7.0), (-3.0, -2.0)])
def test_autograd_matches_closed_forms(a, b):
    derivatives = compgraph.derivatives(a, b)
    assert derivatives["c"] == pytest.approx(a**2 * (a + b))
    assert derivatives["dc_da"] == pytest.approx(3 * a**2 + 2 * a * b, abs=1e-12)
    assert derivatives["dc_db"] == pytest.approx(a**2, abs=1e-12)
    assert derivatives["through_square"] == pytest.approx((a + b) * 2 * a, abs=1e-12)
    assert derivatives["through_sum"] == pytest.approx(a**2, abs=1e-12)


def test_local_derivatives_on_the_edges():
    derivatives = compgraph.derivatives(-1.0, 4.0)
    local = {key: derivatives[key] for key in ("dc_du", "du_da", "dc_dv", "dv_da", "dv_db")}
    assert local == {"dc_du": 3.0, "du_da": -2.0, "dc_dv": 1.0, "dv_da": 1.0, "dv_db": 1.0}


def test_summary_carries_the_closed_forms():
    settings = dict(a=2.0, b=-0.5)
    summary = summary_of(settings)
    assert summary["closed_form"] == {"dc_da": 10.0, "dc_db": 4.0}
    assert summary["dc_da"] == pytest.approx(summary["closed_form"]["dc_da"])


@pytest.mark.parametrize("change,named", [({"a": float("nan")}, "a"), ({"b": "4"}, "b"),
                                          ({"a": True}, "a")])
def test_bad_inputs_are_named(change, named):
    with pytest.raises(ValueError, match=f"^{named} "):
        compgraph.run({**SETTINGS, **change})
