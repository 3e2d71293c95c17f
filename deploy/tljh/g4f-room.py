# The Littlest JupyterHub drop-in for a g4f audio notebooks room: /opt/tljh/config/jupyterhub_config.d/g4f-room.py
# (deploy/tljh/README.md). tljh-config covers login, limits and culling; this file covers what it cannot.
c = get_config()  # noqa: F821 (JupyterHub's config loader provides it)

c.Spawner.environment.update(
    {
        # the recordings; live for a room with a good network (INSTRUCTORS.md, "Replay or live")
        "G4F_TUTORIAL_MODE": "replay",
        # Kernels use Unix sockets here (jupyter_server_config.json), named <runtime dir>/kernel-<uuid>-ipc-<n>
        # and capped at 107 characters: /home/jupyter-<long name>/.local/share/jupyter/runtime is too long.
        # With isolate_tmp every learner has a private /tmp, so one short name serves all of them.
        "JUPYTER_RUNTIME_DIR": "/tmp/jupyter-rt",
    }
)
c.SystemdSpawner.isolate_tmp = True
# 40 learners starting at once on a small VM take about a minute; the default 60 s would fail the slowest.
c.Spawner.start_timeout = 300
c.Spawner.http_timeout = 300
