using System.Security.Cryptography;
using System.Text;

namespace Orleans.Adaptive.Learning.Persistence;

/// <summary>
/// The envelope every saved model uses: magic bytes, a format version, the model's kind, its payload and a SHA-256
/// of the payload. Reading checks all of them, so a truncated, altered, foreign or future file is an error that says
/// which, never a silently wrong model.
/// </summary>
/// <remarks>
/// Layout (little-endian): <c>"OAML"</c>, int32 format version, length-prefixed UTF-8 kind, int64 payload length,
/// payload, 32-byte SHA-256 of the payload.
/// </remarks>
public static class ModelFile
{
    /// <summary>The format version this build writes and reads.</summary>
    public const int FormatVersion = 1;

    private static readonly byte[] Magic = "OAML"u8.ToArray();
    private const long MaxPayload = 512L * 1024 * 1024;

    /// <summary>Writes a model of <paramref name="kind"/> to <paramref name="path"/>, replacing any file there in one step.</summary>
    public static void Save(string path, string kind, Action<BinaryWriter> writePayload)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + ".tmp";
        using (var stream = File.Create(temporary))
        {
            Write(stream, kind, writePayload);
        }

        File.Move(temporary, full, overwrite: true);
    }

    /// <summary>Writes a model of <paramref name="kind"/> to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, string kind, Action<BinaryWriter> writePayload)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentNullException.ThrowIfNull(writePayload);
        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            writePayload(writer);
        }

        var bytes = payload.ToArray();
        using var output = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        output.Write(Magic);
        output.Write(FormatVersion);
        output.Write(kind);
        output.Write((long)bytes.Length);
        output.Write(bytes);
        output.Write(SHA256.HashData(bytes));
    }

    /// <summary>Reads a model of <paramref name="kind"/> from <paramref name="path"/>.</summary>
    /// <exception cref="ModelFormatException">The file is not a usable model of that kind; the message says why.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static T Load<T>(string path, string kind, Func<BinaryReader, T> readPayload)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No model file at '{path}'.", path);
        }

        using var stream = File.OpenRead(path);
        return Read(stream, path, kind, readPayload);
    }

    /// <summary>Reads a model of <paramref name="kind"/> from <paramref name="stream"/>; <paramref name="source"/> names it in errors.</summary>
    public static T Read<T>(Stream stream, string source, string kind, Func<BinaryReader, T> readPayload)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(readPayload);
        byte[] payload;
        try
        {
            using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
            var magic = reader.ReadBytes(Magic.Length);
            if (!magic.AsSpan().SequenceEqual(Magic))
            {
                throw new ModelFormatException(source, "not an Orleans.Adaptive model file (wrong magic bytes).");
            }

            var version = reader.ReadInt32();
            if (version != FormatVersion)
            {
                throw new ModelFormatException(source, $"format version {version} is not supported; this build reads version {FormatVersion}.");
            }

            var storedKind = reader.ReadString();
            if (!string.Equals(storedKind, kind, StringComparison.Ordinal))
            {
                throw new ModelFormatException(source, $"holds a '{storedKind}' model, not a '{kind}' model.");
            }

            var length = reader.ReadInt64();
            if (length < 0 || length > MaxPayload)
            {
                throw new ModelFormatException(source, $"the payload length ({length} bytes) is impossible: the file is corrupt.");
            }

            payload = reader.ReadBytes((int)length);
            var hash = reader.ReadBytes(32);
            if (payload.Length != length || hash.Length != 32)
            {
                throw new ModelFormatException(source, "the file is truncated.");
            }

            if (!SHA256.HashData(payload).AsSpan().SequenceEqual(hash))
            {
                throw new ModelFormatException(source, "the checksum does not match: the file is corrupt.");
            }
        }
        catch (EndOfStreamException exception)
        {
            throw new ModelFormatException(source, "the file is truncated.", exception);
        }

        try
        {
            using var payloadReader = new BinaryReader(new MemoryStream(payload), Encoding.UTF8);
            return readPayload(payloadReader);
        }
        catch (Exception exception) when (exception is EndOfStreamException or IOException or ArgumentException or InvalidOperationException or FormatException)
        {
            // The checksum matched, so the bytes are as written: a model this build cannot interpret.
            throw new ModelFormatException(source, $"the '{kind}' model inside cannot be read by this build ({exception.Message}).", exception);
        }
    }

    /// <summary>
    /// Loads a model, or returns <paramref name="fallback"/>() when the file is missing or unusable, saying why in
    /// <paramref name="problem"/> (null when the model loaded).
    /// </summary>
    public static T LoadOrFallback<T>(string path, string kind, Func<BinaryReader, T> readPayload, Func<T> fallback, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(fallback);
        try
        {
            var model = Load(path, kind, readPayload);
            problem = null;
            return model;
        }
        catch (ModelFormatException exception)
        {
            problem = exception.Message;
        }
        catch (FileNotFoundException exception)
        {
            problem = exception.Message;
        }
        catch (IOException exception)
        {
            problem = $"{path}: {exception.Message}";
        }
        catch (UnauthorizedAccessException exception)
        {
            problem = $"{path}: {exception.Message}";
        }

        return fallback();
    }
}
