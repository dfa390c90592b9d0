using System.Net;
using System.Net.Sockets;

namespace Orleans.Adaptive.IntegrationTests.Infrastructure;

/// <summary>Loopback ports nothing listens on, so parallel runs and other programs do not collide with tests.</summary>
internal static class FreePorts
{
    private static readonly Random Random = new();

    /// <summary>One free port, handed out by the operating system.</summary>
    public static int One()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary><paramref name="count"/> consecutive free ports (programs that take a first port and count up).</summary>
    public static int Consecutive(int count)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            int first;
            lock (Random)
            {
                first = Random.Next(20_000, 60_000);
            }

            if (Enumerable.Range(first, count).All(IsFree))
            {
                return first;
            }
        }

        throw new InvalidOperationException($"Found no {count} consecutive free ports.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
