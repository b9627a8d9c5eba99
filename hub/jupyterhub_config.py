# JupyterHub's configuration for `make hub`. tools/hub.py writes the class's settings to
# <state>/hub.json and starts JupyterHub in <state>/private with this file: edit hub/class.toml, not this.
import json
import os
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub's config loader defines it)
settings = json.loads(Path(os.environ["INTRO_DL_HUB_SETTINGS"]).read_text())
private = Path(settings["private"])  # root's only

# Loopback only: the proxy listens on the class's address, the hub's own API on 127.0.0.1.
c.JupyterHub.bind_url = f"http://{settings['address']}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = settings["hub_api_port"]
c.JupyterHub.db_url = f"sqlite:///{private / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(private / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.command = [settings["proxy"]]
c.ConfigurableHTTPProxy.pid_file = str(private / "proxy.pid")
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings['proxy_api_port']}"
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every user's JupyterLab

# Log in with the system's passwords; only the class's people.
c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = set(settings["instructors"]) | set(settings["students"])

# Each user's JupyterLab runs as that user (LocalProcessSpawner: the hub runs as root and
# each server drops to its user), from the course's environment.
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(Path(settings["bin"]) / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 120
c.Spawner.environment = {
    "PATH": f"{settings['bin']}:/usr/local/bin:/usr/bin:/bin",
    "TF_CPP_MIN_LOG_LEVEL": "3",
}


def by_role(spawner):
    """Instructors get the formgrader and open their course folder; students get the
    Assignments tab only (the formgrader is switched off in their configuration)."""
    name = spawner.user.name
    role = "instructor" if name in settings["instructors"] else "student"
    spawner.environment["JUPYTER_CONFIG_PATH"] = settings["config_path"][role]
    if role == "instructor":
        spawner.notebook_dir = settings["course"]


c.Spawner.pre_spawn_hook = by_role
