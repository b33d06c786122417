import json
import os
import subprocess
import sys
from pathlib import Path

from test_chartmimic import REFERENCE


def cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "trl_visual_sdpo.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def test_render_chart_prints_the_render_result_and_writes_outputs(tmp_path):
    program = tmp_path / "chart.py"
    program.write_text(REFERENCE)
    done = cli("render", "chart", str(program), "--json", "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert result["ok"] and any(e["text"] == "Totals" and e["lines"] for e in result["elements"])
    assert (tmp_path / "out" / "render.png").read_bytes().startswith(b"\x89PNG")


def test_a_failing_program_is_not_a_usage_error(tmp_path):
    program = tmp_path / "broken.py"
    program.write_text("import matplotlib.pyplot as plt\nplt.plot(undefined)\n")
    done = cli("render", "chart", str(program), "--json", cwd=tmp_path)
    assert done.returncode == 0
    result = json.loads(done.stdout)
    assert not result["ok"] and "NameError" in result["error"] and "line 2" in result["error"]
    assert cli("render", "chart", str(tmp_path / "missing.py"), cwd=tmp_path).returncode == 2
    assert cli("render", "sculpture", str(program), cwd=tmp_path).returncode == 2


def test_eval_chart_prints_the_metrics(tmp_path):
    (tmp_path / "ref.py").write_text(REFERENCE)
    (tmp_path / "pred.py").write_text(REFERENCE.replace("Totals", "Sums"))
    done = cli("eval", "chart", "--pred", str(tmp_path / "pred.py"), "--ref", str(tmp_path / "ref.py"), "--json",
               cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    scores = json.loads(done.stdout)
    assert scores["layout"] == 1.0 and scores["text"] < 1.0 and 0 < scores["low_level"] < 1.0


def test_eval_a_model_and_its_adapter_writes_json_and_html_reports(tmp_path):
    from peft import LoraConfig, get_peft_model
    from tiny_models import tiny_text_model

    model, tokenizer = tiny_text_model()
    adapter = tmp_path / "adapter"
    get_peft_model(model, LoraConfig(r=2, target_modules=["q_proj"])).save_pretrained(adapter)
    for name, path in (("base", model.config.name_or_path), ("adapter", str(adapter))):
        out = tmp_path / name
        done = cli("eval", "chart", "--model", path, "--n", "2", "--max-new-tokens", "8", "--out", str(out), "--json",
                   cwd=tmp_path)
        assert done.returncode == 0, done.stderr[-2000:]
        summary = json.loads(done.stdout)
        assert summary["n"] == 2 and 0.0 <= summary["reference_similarity"] <= 1.0
        report = json.loads((out / "report.json").read_text())
        assert report["model"] == path and len(report["tasks"]) == 2
        page = (out / "report.html").read_text()
        # self-contained: the reference renders are inlined, nothing is fetched
        assert page.count("data:image/png;base64,") >= 2 and "http" not in page.split("<body>")[1]
    assert cli("eval", "chart", "--model", path, "--pred", "x.py", cwd=tmp_path).returncode == 2
    # sampled, several per task: pass@k beside the means, with TRL's model loading flags
    done = cli("eval", "chart", "--model", model.config.name_or_path, "--n", "2", "--max-new-tokens", "8",
               "--num_samples", "3", "--dtype", "float32", "--attn_implementation", "eager", "--out",
               str(tmp_path / "sampled"), "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads(done.stdout)
    assert summary["n"] == 6 and 0.0 <= summary["pass@3/exec"] <= 1.0 and "pass@3/flawless" in summary
    report = json.loads((tmp_path / "sampled" / "report.json").read_text())
    assert report["num_samples"] == 3 and report["temperature"] == 1.0 and report["device"] == "cpu"


def test_a_third_party_domain_registers_through_an_entry_point(tmp_path):
    """A package that declares `[project.entry-points."trl_visual_sdpo.domains"] box = ...` is a domain of the CLI."""
    package = tmp_path / "site"
    package.mkdir()
    (package / "box_domain.py").write_text(
        (Path(__file__).parent / "toy_renderer.py").read_text()
        + "\nfrom trl_visual_sdpo.domains import Domain\n\n"
        + 'BOX = Domain(name="box", renderer="box_domain:BoxRenderer", code_languages=("python",))\n')
    info = package / "box_domain-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: box-domain\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[trl_visual_sdpo.domains]\nbox = box_domain:BOX\n")
    (tmp_path / "boxes.py").write_text('box("title", 0, 0, 100, 20)\nbox("label", 50, 10, 150, 30)\n')
    done = subprocess.run([sys.executable, "-m", "trl_visual_sdpo.cli", "render", "box", "boxes.py", "--json"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(package)})
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert result["ok"] and [d["kind"] for d in result["defects"]] == ["text_overlap"]
