"""nbgitpuller links that hand a lesson's notebook out on the course's hub (docs/deploy.md).

A link clones (or, the next time, merges) a branch of a git repository into the learner's
home folder on the hub, then opens a notebook of it in JupyterLab. It is built the way
nbgitpuller's own link generator builds one: ``<hub>/hub/user-redirect/git-pull`` with the
query ``repo``, ``urlpath`` (``lab/tree/<clone folder>/<path>``) and ``branch``.

Usage: python tools/pull_link.py HUB REPO BRANCH PATH
  e.g. python tools/pull_link.py https://hub.example.edu \\
           https://github.com/OWNER/intro-to-deep-learning handout 01-single-neuron/tutorial.ipynb
"""

import sys
from urllib.parse import urlencode


def clone_folder(repo):
    """The folder nbgitpuller clones ``repo`` into: the last part of its URL."""
    return repo.rstrip("/").split("/")[-1]


def pull_link(hub, repo, branch, path):
    """The link that pulls ``branch`` of ``repo`` onto ``hub`` and opens ``path`` (relative
    to the repository's root) in JupyterLab."""
    query = urlencode({"repo": repo, "urlpath": f"lab/tree/{clone_folder(repo)}/{path}",
                       "branch": branch})
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    print(pull_link(*sys.argv[1:]))
