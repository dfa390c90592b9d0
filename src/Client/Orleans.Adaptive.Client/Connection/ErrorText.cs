namespace Orleans.Adaptive.Client;

/// <summary>Helpers for the one-line error messages the library produces.</summary>
internal static class ErrorText
{
    /// <summary>The first line of a message (exception messages from Redis and Orleans can run to many).</summary>
    public static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
