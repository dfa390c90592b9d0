using System.Net;
using System.Net.Sockets;

namespace Orleans.Adaptive.Silo.Demo;

/// <summary>Finds loopback ports for the demo's silos.</summary>
internal static class PortPicker
{
    /// <summary>Whether nothing listens on <paramref name="port"/> on loopback right now.</summary>
    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Whether <paramref name="count"/> ports from <paramref name="first"/> are all free.</summary>
    public static bool AreFree(int first, int count) => Enumerable.Range(first, count).All(IsFree);

    /// <summary>Ports the operating system hands out as free, distinct from each other.</summary>
    public static int[] PickFree(int count)
    {
        var listeners = new List<TcpListener>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }

            return listeners.Select(static l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }
}
