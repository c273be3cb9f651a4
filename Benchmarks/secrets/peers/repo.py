"""Read-only access to a peer's repository: a git directory (bare or not) or a plain checkout."""
import os
import subprocess


class Repo:
    def __init__(self, path):
        self.path = path
        self.git = subprocess.run(["git", "-C", path, "rev-parse", "--verify", "-q", "HEAD"],
                                  capture_output=True, text=True).returncode == 0 and not os.path.isdir(
            os.path.join(path, "cmd")) and not os.path.isdir(os.path.join(path, "pkg")) and not os.path.isdir(
            os.path.join(path, "tests"))
        self._files = None
        self._batch = None

    def commit(self):
        r = subprocess.run(["git", "-C", self.path, "rev-parse", "HEAD"], capture_output=True, text=True)
        return r.stdout.strip() if r.returncode == 0 else "unknown"

    def files(self):
        if self._files is None:
            if self.git:
                out = subprocess.run(["git", "-C", self.path, "ls-tree", "-r", "--name-only", "HEAD"],
                                     capture_output=True, text=True, check=True).stdout
                self._files = sorted(out.splitlines())
            else:
                found = []
                for d, dirs, names in os.walk(self.path):
                    dirs[:] = [x for x in dirs if x != ".git"]
                    found += [os.path.relpath(os.path.join(d, n), self.path) for n in names]
                self._files = sorted(found)
        return self._files

    def ls(self, prefix):
        return [f for f in self.files() if f.startswith(prefix)]

    def read(self, path):
        if self.git:
            # One `git cat-file --batch` serves every read: a process per file would take minutes.
            if self._batch is None:
                self._batch = subprocess.Popen(["git", "-C", self.path, "cat-file", "--batch"],
                                               stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            self._batch.stdin.write(f"HEAD:{path}\n".encode())
            self._batch.stdin.flush()
            header = self._batch.stdout.readline().split()
            if len(header) != 3:
                raise FileNotFoundError(path)
            data = self._batch.stdout.read(int(header[2]))
            self._batch.stdout.read(1)
            return data.decode("utf-8", "replace")
        with open(os.path.join(self.path, path), encoding="utf-8", errors="replace") as f:
            return f.read()
