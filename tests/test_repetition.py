"""The warning for the drift into repeated lines: raised once, from the metric the trainer logs, only when the
average over the window reaches the threshold."""

import logging
from types import SimpleNamespace

import pytest
from test_trainer import _config, _trainer

from trl_visual_sdpo.repetition import METRIC, RepeatedLineAlarm


def _state(step):
    return SimpleNamespace(global_step=step, is_world_process_zero=True)


def test_alarm_waits_for_a_full_window_then_warns_once(caplog):
    alarm = RepeatedLineAlarm(threshold=0.1, window=3)
    caplog.set_level(logging.WARNING, logger="trl_visual_sdpo.repetition")
    for step, share in enumerate([0.5, 0.5], start=1):  # high, but the window is not full yet
        alarm.on_log(None, _state(step), None, logs={METRIC: share})
    alarm.on_log(None, _state(3), None, logs={"eval_" + METRIC: 0.9, "loss": 1.0})  # eval logs do not count
    assert alarm.warned_at is None and not caplog.records
    alarm.on_log(None, _state(4), None, logs={METRIC: 0.0})  # mean of 0.5, 0.5, 0.0 = 0.33
    assert alarm.warned_at == 4
    assert "At step 4, 33% of the lines" in caplog.text and "repeated_line_warning" in caplog.text
    alarm.on_log(None, _state(5), None, logs={METRIC: 0.9})
    assert len(caplog.records) == 1


def test_alarm_stays_quiet_below_the_threshold(caplog):
    alarm = RepeatedLineAlarm(threshold=0.1, window=2)
    caplog.set_level(logging.WARNING, logger="trl_visual_sdpo.repetition")
    for step, share in enumerate([0.15, 0.0, 0.05, 0.1, 0.0], start=1):  # one odd batch is averaged away
        alarm.on_log(None, _state(step), None, logs={METRIC: share})
    assert alarm.warned_at is None and not caplog.records


def test_threshold_is_a_share(tmp_path):
    with pytest.raises(ValueError, match=r"in \(0, 1\].*None"):
        _config(tmp_path, repeated_line_warning=5.0)
    with pytest.raises(ValueError, match=r"in \(0, 1\]"):
        RepeatedLineAlarm(threshold=0.0)


REPEATING = "```python\n" + 'box("title", 0, 0, 100, 20)\n' * 4 + "```"  # 3 of its 4 lines repeat the first


def test_training_that_repeats_lines_warns(tmp_path, tiny_text, caplog, monkeypatch):
    import test_trainer

    monkeypatch.setattr(test_trainer, "SCRIPT", [REPEATING])
    caplog.set_level(logging.WARNING, logger="trl_visual_sdpo.repetition")
    trainer = _trainer(tmp_path, tiny_text, max_steps=4, max_completion_length=96, repeated_line_warning=0.5)
    trainer.train()
    assert [entry[METRIC] for entry in trainer.state.log_history if METRIC in entry] == [0.75] * 4
    alarm = next(cb for cb in trainer.callback_handler.callbacks if isinstance(cb, RepeatedLineAlarm))
    assert alarm.warned_at == 4
    assert "At step 4, 75% of the lines of the training programs repeat an earlier line" in caplog.text


def test_no_alarm_when_turned_off(tmp_path, tiny_text):
    trainer = _trainer(tmp_path, tiny_text, repeated_line_warning=None)
    assert not any(isinstance(cb, RepeatedLineAlarm) for cb in trainer.callback_handler.callbacks)
