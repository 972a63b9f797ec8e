using Microsoft.Data.Sqlite;

namespace ClusterTune.ControlPlane.Storage;

/// <summary>Write-through persistence of the object store to one SQLite file (local mode survives a restart).</summary>
internal sealed class SqlitePersistence : IDisposable
{
    private readonly SqliteConnection _connection;

    public SqlitePersistence(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }

        // It holds every object, trial tokens included: owner-only, as SQLite's -wal and -shm files then are too.
        PrivateFile.Ensure(path);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        Exec("PRAGMA journal_mode=WAL;");
        Exec("PRAGMA synchronous=NORMAL;");
        Exec("CREATE TABLE IF NOT EXISTS objects (storage_key TEXT NOT NULL, key TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (storage_key, key));");
        Exec("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);");
    }

    public long LoadResourceVersion()
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT value FROM meta WHERE name = 'resourceVersion';";
        return cmd.ExecuteScalar() is string s && long.TryParse(s, out var rv) ? rv : 0;
    }

    public List<(string StorageKey, string Key, string Json)> LoadAll()
    {
        var result = new List<(string, string, string)>();
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT storage_key, key, json FROM objects;";
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            result.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }

        return result;
    }

    public void Upsert(string storageKey, string key, string json, long rv)
    {
        using var tx = _connection.BeginTransaction();
        using (var cmd = _connection.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = "INSERT INTO objects (storage_key, key, json) VALUES ($s, $k, $j) ON CONFLICT(storage_key, key) DO UPDATE SET json = excluded.json;";
            cmd.Parameters.AddWithValue("$s", storageKey);
            cmd.Parameters.AddWithValue("$k", key);
            cmd.Parameters.AddWithValue("$j", json);
            cmd.ExecuteNonQuery();
        }

        SaveRv(tx, rv);
        tx.Commit();
    }

    public void Delete(string storageKey, string key, long rv)
    {
        using var tx = _connection.BeginTransaction();
        using (var cmd = _connection.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = "DELETE FROM objects WHERE storage_key = $s AND key = $k;";
            cmd.Parameters.AddWithValue("$s", storageKey);
            cmd.Parameters.AddWithValue("$k", key);
            cmd.ExecuteNonQuery();
        }

        SaveRv(tx, rv);
        tx.Commit();
    }

    private void SaveRv(SqliteTransaction tx, long rv)
    {
        using var cmd = _connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO meta (name, value) VALUES ('resourceVersion', $v) ON CONFLICT(name) DO UPDATE SET value = excluded.value;";
        cmd.Parameters.AddWithValue("$v", rv.ToString(System.Globalization.CultureInfo.InvariantCulture));
        cmd.ExecuteNonQuery();
    }

    private void Exec(string sql)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    public void Dispose() => _connection.Dispose();
}
